// PLACEHOLDER: replaced by the view's implementation (scaffolding for the lazy route in main.tsx).
export default function Systems() {
  return <h1 class="h4">Systems</h1>;
}
