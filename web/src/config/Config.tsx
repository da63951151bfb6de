// PLACEHOLDER: replaced by the view's implementation (scaffolding for the lazy route in main.tsx).
export default function Config() {
  return <h1 class="h4">Config</h1>;
}
