import { createUniqueId, onCleanup, onMount, type JSX } from "solid-js";
import { Portal } from "solid-js/web";

/**
 * A Bootstrap modal dialog without Bootstrap's JavaScript: focus moves into it, Tab stays inside,
 * Escape or the backdrop closes it, and focus goes back to where it was. Render it only while open.
 */
export function Modal(props: { title: string; onClose: () => void; children: JSX.Element; footer?: JSX.Element; size?: "sm" | "lg" }) {
  const titleId = createUniqueId();
  let dialog!: HTMLDivElement;
  const previous = document.activeElement as HTMLElement | null;

  const focusable = () =>
    [...dialog.querySelectorAll<HTMLElement>("button, [href], input, select, textarea, [tabindex]:not([tabindex='-1'])")].filter(
      (el) => !el.hasAttribute("disabled") && el.offsetParent !== null,
    );

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      props.onClose();
    } else if (event.key === "Tab") {
      const items = focusable();
      if (items.length === 0) return;
      const first = items[0]!;
      const last = items[items.length - 1]!;
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  };

  onMount(() => {
    const body = dialog.querySelector<HTMLElement>(".modal-body");
    const first = body && [...body.querySelectorAll<HTMLElement>("input, select, textarea, button")].find((el) => !el.hasAttribute("disabled"));
    (first ?? focusable()[0] ?? dialog).focus();
    document.body.classList.add("modal-open");
  });
  onCleanup(() => {
    document.body.classList.remove("modal-open");
    if (previous?.isConnected) previous.focus();
  });

  return (
    <Portal>
      <div class="modal-backdrop fade show" />
      <div
        ref={dialog}
        class="modal fade show d-block"
        tabindex="-1"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={onKeyDown}
        onClick={(event) => event.target === event.currentTarget && props.onClose()}
      >
        <div class={`modal-dialog modal-dialog-scrollable${props.size ? ` modal-${props.size}` : ""}`}>
          <div class="modal-content">
            <div class="modal-header">
              <h2 class="modal-title fs-5" id={titleId}>
                {props.title}
              </h2>
              <button type="button" class="btn-close" aria-label="Close" onClick={() => props.onClose()} />
            </div>
            <div class="modal-body">{props.children}</div>
            {props.footer && <div class="modal-footer">{props.footer}</div>}
          </div>
        </div>
      </div>
    </Portal>
  );
}
