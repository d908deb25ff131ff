import { counterFamily, histogramFamily, type MetricFamily } from "@herald/metrics";

/** Request duration buckets, in seconds: an API answer takes milliseconds; seconds mean trouble. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/**
 * This API process's requests, by method, route pattern and status, and
 * their durations (to the response's headers: a stream's lifetime is not
 * counted). Per process, like its CPU and memory: scrape each API process.
 * Labels stay few: the route is a pattern (`/v1/users/:userId`), never a
 * path, and a path no route matches is counted under the pattern that caught it.
 */
export interface HttpMetrics {
  record(method: string, route: string, status: number, seconds: number): void;
  families(): MetricFamily[];
}

interface DurationSeries {
  labels: { method: string; route: string };
  /** Per bucket, not cumulative; the last one is above every bound. */
  counts: number[];
  sum: number;
}

export function createHttpMetrics(): HttpMetrics {
  const requests = new Map<string, { labels: Record<string, string>; value: number }>();
  const durations = new Map<string, DurationSeries>();
  return {
    record(method, route, status, seconds) {
      const key = `${method} ${route}`;
      const counted = requests.get(`${key} ${status}`);
      if (counted) counted.value++;
      else requests.set(`${key} ${status}`, { labels: { method, route, status: String(status) }, value: 1 });
      let series = durations.get(key);
      if (!series) {
        series = {
          labels: { method, route },
          counts: new Array(HTTP_DURATION_BUCKETS.length + 1).fill(0),
          sum: 0,
        };
        durations.set(key, series);
      }
      const bucket = HTTP_DURATION_BUCKETS.findIndex((le) => seconds <= le);
      series.counts[bucket < 0 ? HTTP_DURATION_BUCKETS.length : bucket]!++;
      series.sum += seconds;
    },
    families() {
      return [
        counterFamily(
          "herald_api_http_requests_total",
          "Requests this API process answered, by method, route pattern and status.",
          [...requests.values()],
        ),
        histogramFamily(
          "herald_api_http_request_duration_seconds",
          "Time this API process took to answer (to the response's headers), by method and route pattern.",
          HTTP_DURATION_BUCKETS,
          [...durations.values()],
        ),
      ];
    },
  };
}
