import type { ReactNode } from "react";
import { Link } from "../router.tsx";

/**
 * One row of a people-or-things list (users, topics, a topic's subscribers):
 * a link with an initial, a title with an optional line under it, and a
 * time at the end that narrow screens hide.
 */
export function ListRow(props: {
  href: string;
  initial: string;
  title: ReactNode;
  titleClass?: string;
  detail?: ReactNode;
  aside: ReactNode;
}) {
  return (
    <Link href={props.href} className="user-row">
      <span className="avatar" aria-hidden="true">
        {props.initial}
      </span>
      <span className="user-main">
        <span className={props.titleClass ?? "user-id"}>{props.title}</span>
        {props.detail !== undefined && <span className="muted small">{props.detail}</span>}
      </span>
      <span className="muted small hide-sm">{props.aside}</span>
    </Link>
  );
}
