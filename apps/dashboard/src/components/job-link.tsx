import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client.ts";

/**
 * A notification's send job in Bull Board, as the API finds it in Redis: the
 * lane (critical sends have their own queue) and job id (a batched row's
 * `send_batch` job) cannot be told from the notification alone. Nothing is
 * shown while it is looked up or when there is no job (digested, not queued,
 * already removed), rather than a link to a job that is not there.
 */
export function JobLink({
  notificationId,
  className,
  label,
  batchLabel,
}: {
  notificationId: string;
  className: string;
  label: string;
  /** For a row sent by a `send_batch` job together with others. */
  batchLabel: string;
}) {
  const job = useQuery({
    queryKey: ["job", notificationId],
    queryFn: () =>
      unwrap(
        api.GET("/v1/dashboard/notifications/{notificationId}/job", {
          params: { path: { notificationId } },
        }),
      ),
    staleTime: 30_000,
    retry: false,
  });
  if (!job.data) return null;
  const j = job.data;
  return (
    <a
      className={className}
      href={j.url}
      target="_blank"
      rel="noreferrer"
      title="Open the job in Bull Board"
      data-job-queue={j.queue}
      data-job-id={j.jobId}
    >
      {j.batch ? batchLabel : label}
    </a>
  );
}
