// PLACEHOLDER: replaced by the view's implementation (scaffolding for the lazy route in main.tsx).
export default function ListView(_props: { type: "USER" | "PROJECT" }) {
  return <h1 class="h4">ListView</h1>;
}
