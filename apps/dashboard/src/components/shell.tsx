import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { api, unwrap } from "../api/client.ts";
import { useAuth } from "../auth.tsx";
import { Link, useLocation } from "../router.tsx";

// `admin`: shown to admins only (the page itself also says so to anyone else).
const NAV = [
  { href: "/", label: "Overview", icon: "◫" },
  { href: "/failures", label: "Failures", icon: "⚠" },
  { href: "/notifications", label: "Notifications", icon: "✉" },
  { href: "/users", label: "Users", icon: "☺" },
  { href: "/topics", label: "Topics", icon: "#" },
  { href: "/templates", label: "Templates", icon: "▤" },
  { href: "/outbox", label: "Dev outbox", icon: "⇪" },
  { href: "/accounts", label: "Accounts", icon: "⚙", admin: true },
  { href: "/audit-log", label: "Audit log", icon: "✎", admin: true },
  { href: "/webhooks", label: "Webhooks", icon: "⇄", admin: true },
  { href: "/api-keys", label: "API keys", icon: "⌘", admin: true },
];

// Where the sidebar becomes a drawer (styles/responsive.css).
const DRAWER = "(max-width: 860px)";

/** Whether the viewport matches `query`, following resizes. */
function useMedia(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const change = () => setMatches(list.matches);
    list.addEventListener("change", change);
    return () => list.removeEventListener("change", change);
  }, [query]);
  return matches;
}

const active = (href: string, path: string) => (href === "/" ? path === "/" : path.startsWith(href));

/** Sidebar on desktop; a top bar with a menu button on phones. */
export function Shell({ children }: { children: ReactNode }) {
  const { session, isAdmin, signOut } = useAuth();
  const { path } = useLocation();
  const [open, setOpen] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the drawer whenever the page changes
  useEffect(() => setOpen(false), [path]);
  const drawer = useMedia(DRAWER);
  const menuButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      menuButton.current?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
  const dead = useQuery({
    queryKey: ["dead-count"],
    queryFn: () => unwrap(api.GET("/v1/dashboard/overview")),
    refetchInterval: 10_000,
    select: (o) => o.deadLetters,
  });
  return (
    <div className={`shell ${open ? "nav-open" : ""}`}>
      {/* Keyboard users start in the navigation: the first Tab offers a way past it. */}
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="topbar">
        <button
          ref={menuButton}
          type="button"
          className="icon-btn"
          aria-label={open ? "Close menu" : "Open menu"}
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          {open ? "✕" : "☰"}
        </button>
        <Link href="/" className="brand">
          <span className="logo" aria-hidden="true">
            H
          </span>
          Herald
        </Link>
      </header>
      {/* A closed drawer is off-screen: inert, so Tab does not walk through links nobody sees. */}
      <nav className="sidebar" aria-label="Main" inert={drawer && !open}>
        <Link href="/" className="brand brand-side">
          <span className="logo" aria-hidden="true">
            H
          </span>
          Herald
        </Link>
        <ul>
          {NAV.filter((item) => isAdmin || !item.admin).map((item) => (
            <li key={item.href}>
              <Link
                href={item.href}
                className={active(item.href, path) ? "active" : ""}
                aria-current={active(item.href, path) ? "page" : undefined}
              >
                <span className="nav-icon" aria-hidden="true">
                  {item.icon}
                </span>
                {item.label}
                {item.href === "/failures" && dead.data ? (
                  <span className="nav-count" title="Dead letters">
                    {dead.data}
                  </span>
                ) : null}
              </Link>
            </li>
          ))}
          {isAdmin && (
            <li>
              <a href="/admin/queues" target="_blank" rel="noreferrer">
                <span className="nav-icon" aria-hidden="true">
                  ≡
                </span>
                Bull Board <span className="ext">↗</span>
              </a>
            </li>
          )}
        </ul>
        <div className="whoami">
          <div className="who-email" title={session.user.email}>
            {session.user.email}
          </div>
          <div className="who-row">
            <span className={`role role-${session.user.role}`}>{session.user.role}</span>
            <button type="button" className="link-btn" onClick={signOut}>
              Sign out
            </button>
          </div>
        </div>
      </nav>
      <button
        type="button"
        className="scrim"
        aria-label="Close menu"
        tabIndex={-1}
        onClick={() => setOpen(false)}
      />
      <main className="content" id="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
