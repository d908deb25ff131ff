import type { ReactNode } from "react";
import { useTitle } from "../router.tsx";

export function PageHeader({
  title,
  subtitle,
  actions,
  live,
}: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  /** Shows a "live" marker: the page refreshes by itself. */
  live?: boolean;
}) {
  useTitle(title);
  return (
    <header className="page-header">
      <div>
        <h1>
          {title}
          {live && (
            <span className="live" title="Refreshes automatically">
              <span className="pulse" aria-hidden="true" />
              Live
            </span>
          )}
        </h1>
        {subtitle && <p className="subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

export function Card({
  title,
  actions,
  children,
  className = "",
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`card ${className}`}>
      {(title || actions) && (
        <div className="card-head">
          {title && <h2>{title}</h2>}
          {actions}
        </div>
      )}
      <div className="card-body">{children}</div>
    </section>
  );
}
