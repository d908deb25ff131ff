import type { ReactNode } from "react";
import { Link } from "../router.tsx";
import { Card, PageHeader } from "./page-header.tsx";
import { Empty } from "./states.tsx";

/**
 * What a support account sees on an admins' page: the page's title and why
 * it is empty, instead of a list the API would refuse (403).
 */
export function AdminsOnly({ title, children }: { title: string; children: ReactNode }) {
  return (
    <>
      <PageHeader title={title} />
      <Card>
        <Empty title="Admins only">
          <p>{children}</p>
          <Link href="/">Back to the overview</Link>
        </Empty>
      </Card>
    </>
  );
}
