import { prometheusFormatProblems } from "@herald/testkit";
import { describe, expect, it } from "vitest";
import { histogramFamily, renderPrometheus } from "./prometheus-text.ts";

describe("renderPrometheus", () => {
  it("escapes help and label values and renders cumulative histograms", () => {
    const text = renderPrometheus([
      {
        name: "x_total",
        help: 'a "help"\nwith \\ and newline',
        type: "counter",
        samples: [{ labels: { provider: 'we"ird\\name\n' }, value: 3 }],
      },
      { name: "g", help: "gauge", type: "gauge", samples: [{ value: Number.POSITIVE_INFINITY }] },
      histogramFamily(
        "lat_seconds",
        "latency",
        [0.1, 1],
        [{ labels: { channel: "email" }, counts: [2, 0, 3], sum: 9.5 }],
      ),
    ]);
    expect(text).toContain('# HELP x_total a "help"\\nwith \\\\ and newline');
    expect(text).toContain('x_total{provider="we\\"ird\\\\name\\n"} 3');
    expect(text).toContain("g +Inf");
    expect(text).toContain('lat_seconds_bucket{channel="email",le="0.1"} 2');
    expect(text).toContain('lat_seconds_bucket{channel="email",le="1"} 2');
    expect(text).toContain('lat_seconds_bucket{channel="email",le="+Inf"} 5');
    expect(text).toContain('lat_seconds_count{channel="email"} 5');
    expect(prometheusFormatProblems(text)).toEqual([]);
  });

  it("refuses invalid names", () => {
    expect(() => renderPrometheus([{ name: "bad-name", help: "", type: "gauge", samples: [] }])).toThrow();
    expect(() =>
      renderPrometheus([
        { name: "ok", help: "", type: "gauge", samples: [{ labels: { "bad-label": "x" }, value: 1 }] },
      ]),
    ).toThrow();
  });

  it("the format checker catches broken exposition", () => {
    expect(prometheusFormatProblems("# TYPE a counter\na -1\n")).toHaveLength(1);
    expect(prometheusFormatProblems('a{l="x"} 1\na{l="x"} 2\n')).toHaveLength(1);
    expect(prometheusFormatProblems('a{l="unescaped"quote"} 1\n')).toHaveLength(1);
    expect(
      prometheusFormatProblems(
        '# TYPE h histogram\nh_bucket{le="1"} 3\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n',
      ),
    ).toEqual(["h{}: buckets not cumulative"]);
    expect(prometheusFormatProblems("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n")).not.toEqual([]);
  });
});
