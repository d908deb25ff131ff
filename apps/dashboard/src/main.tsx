import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.tsx";
// Order matters: responsive.css last, so its phone rules win.
import "./styles/base.css";
import "./styles/shell.css";
import "./styles/data.css";
import "./styles/controls.css";
import "./styles/detail-users.css";
import "./styles/user-edit.css";
import "./styles/accounts.css";
import "./styles/templates-outbox-login.css";
import "./styles/responsive.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
