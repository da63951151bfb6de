import "bootstrap/dist/css/bootstrap.min.css";
import { render } from "solid-js/web";
import { JobList } from "./jobs/JobList.js";

function App() {
  return (
    <>
      <nav class="navbar navbar-expand bg-body-tertiary mb-3">
        <div class="container-fluid">
          <a class="navbar-brand" href="/">
            ClusterCockpit
          </a>
        </div>
      </nav>
      <main class="container-fluid">
        <JobList />
      </main>
    </>
  );
}

render(() => <App />, document.getElementById("app")!);
