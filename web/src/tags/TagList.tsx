// PLACEHOLDER: replaced by the view's implementation (scaffolding for the lazy route in main.tsx).
export default function TagList() {
  return <h1 class="h4">TagList</h1>;
}
