// The open session's one-way delay over time (uPlot): one point per packet seen at both
// capture points, per direction, lost packets marked along the top. The match worker sends
// the columns ready to plot, thinned to the chart's pixel width; this component only draws.
import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { useDiff } from "../state/diff";
import { match } from "../state/engine";
import { track } from "../state/busy";
import type { DelayChart as DelayChartData } from "../worker-api/match-api";
import { formatCount, formatMs } from "./format";

/** Fixed: the chart's box never changes height when its data arrives (no layout jump). */
const PLOT_HEIGHT = 130;
const COLOURS = { c2s: "#1f6feb", s2c: "#d9730d", lost: "#d1242f" };
/** Mid greys read on the light and the dark theme alike, so a theme switch needs no redraw. */
const AXIS_TEXT = "#7d8894";
const GRID = "rgba(128, 138, 150, 0.28)";

/** Points only: a line between two packets' delays would claim delays nobody measured. */
const pointsOnly = (stroke: string, size: number, scale: string, label: string): uPlot.Series => ({
  label,
  scale,
  stroke,
  fill: stroke,
  paths: () => null,
  points: { show: true, size, stroke, fill: stroke },
});

function plotOptions(width: number): uPlot.Options {
  const axis = { stroke: AXIS_TEXT, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 }, font: "11px system-ui, sans-serif" };
  return {
    width,
    height: PLOT_HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: false }, lost: { range: [0, 1.05] } },
    axes: [
      { ...axis, label: "s since the session's first packet (A's clock)", labelSize: 14, labelFont: "11px system-ui, sans-serif", size: 30 },
      { ...axis, label: "OWD ms", labelSize: 14, labelFont: "11px system-ui, sans-serif", size: 48 },
    ],
    series: [
      {},
      pointsOnly(COLOURS.c2s, 4, "y", "client → server"),
      pointsOnly(COLOURS.s2c, 4, "y", "server → client"),
      pointsOnly(COLOURS.lost, 6, "lost", "lost client → server"),
      pointsOnly(COLOURS.lost, 6, "lost", "lost server → client"),
    ],
  };
}

function directionCounts(chart: DelayChartData, dir: 0 | 1): string {
  const max = chart.maxDelayMs[dir];
  return `(${formatCount(chart.delayed[dir])}${max === null ? "" : `, max ${formatMs(max)} ms`})`;
}

export function DelayChart({ sessionId }: { sessionId: number }) {
  const version = useDiff((s) => s.version);
  const ready = useDiff((s) => s.status === "ready");
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [chart, setChart] = useState<DelayChartData | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (!ready || width === 0) return;
    let current = true;
    track(match().getDelayChart(version, sessionId, width)).then(
      (c) => current && setChart(c),
      () => current && setChart(null),
    );
    return () => {
      current = false;
    };
  }, [version, sessionId, ready, width]);

  useEffect(() => {
    const el = box.current;
    if (!el || !chart || chart.sessionId !== sessionId || width === 0) return;
    const plot = new uPlot(
      plotOptions(width),
      [chart.time, chart.delayC2S, chart.delayS2C, chart.lostC2S, chart.lostS2C] as uPlot.AlignedData,
      el,
    );
    return () => plot.destroy();
  }, [chart, sessionId, width]);

  const shown = chart && chart.sessionId === sessionId ? chart : null;
  return (
    <div
      className="delay-chart"
      data-testid="delay-chart"
      data-state={shown ? "ready" : "loading"}
      data-points-c2s={shown?.points[0]}
      data-points-s2c={shown?.points[1]}
      data-delayed-c2s={shown?.delayed[0]}
      data-delayed-s2c={shown?.delayed[1]}
      data-lost-c2s={shown?.lost[0]}
      data-lost-s2c={shown?.lost[1]}
      data-max-delay-c2s={shown?.maxDelayMs[0] ?? undefined}
      data-max-delay-s2c={shown?.maxDelayMs[1] ?? undefined}
    >
      <div className="delay-chart-legend muted">
        <span>
          <i style={{ background: COLOURS.c2s }} /> client → server {shown ? directionCounts(shown, 0) : ""}
        </span>
        <span>
          <i style={{ background: COLOURS.s2c }} /> server → client {shown ? directionCounts(shown, 1) : ""}
        </span>
        <span>
          <i style={{ background: COLOURS.lost }} /> lost {shown ? `(${shown.lost[0]} c→s, ${shown.lost[1]} s→c)` : ""}
        </span>
        {shown?.thinned && <span>thinned to each pixel column's lowest and highest delay</span>}
        <span className="delay-chart-clock" data-testid="chart-clock" title={shown?.clock.assumption}>
          {shown
            ? `Delays on B's clock ${shown.clock.offsetSeconds >= 0 ? "+" : ""}${shown.clock.offsetSeconds.toFixed(6)} s, ${shown.clock.skewPpm.toFixed(1)} ppm (${shown.clock.source}): ${shown.clock.assumption}`
            : ""}
        </span>
      </div>
      <div className="delay-chart-plot" ref={box} />
    </div>
  );
}
