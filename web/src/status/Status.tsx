// PLACEHOLDER: replaced by the view's implementation (scaffolding for the lazy route in main.tsx).
export default function Status() {
  return <h1 class="h4">Status</h1>;
}
