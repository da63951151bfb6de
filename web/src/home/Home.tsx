// PLACEHOLDER: replaced by the view's implementation (scaffolding for the lazy route in main.tsx).
export default function Home() {
  return <h1 class="h4">Home</h1>;
}
