/**
 * @module charts
 * Small inline SVG sparklines (no chart library): a series of the last SPARKLINE_POINTS samples
 * drawn as a polyline scaled to its own maximum, with the latest value as text. The figure
 * carries `data-latest` and `data-samples` so scripts and tests can read what is drawn.
 */
import { el } from "../dom";

const SVG_NS = "http://www.w3.org/2000/svg";
/** Samples kept: two minutes at the info poll interval. */
export const SPARKLINE_POINTS = 60;
const WIDTH = 240;
const HEIGHT = 40;
/** Room above the highest point so the line never touches the top edge. */
const HEADROOM = 1.15;
const DECIMALS = 1;

export class Sparkline {
  readonly element: HTMLElement;
  private readonly samples: number[] = [];
  private readonly line: SVGPolylineElement;
  private readonly area: SVGPolygonElement;
  private readonly value: HTMLElement;

  constructor(
    readonly name: string,
    private readonly unit: string,
  ) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("aria-hidden", "true");
    this.area = document.createElementNS(SVG_NS, "polygon");
    this.line = document.createElementNS(SVG_NS, "polyline");
    svg.append(this.area, this.line);
    this.value = el("span", { class: "chart-value" }, "–");
    this.element = el("figure", { class: "chart", "data-chart": name, "data-latest": "", "data-samples": "0" }, el("figcaption", {}, `${name} `, this.value));
    this.element.append(svg);
  }

  push(sample: number): void {
    this.samples.push(sample);
    if (this.samples.length > SPARKLINE_POINTS) this.samples.shift();
    const max = Math.max(1, ...this.samples) * HEADROOM;
    const step = WIDTH / (SPARKLINE_POINTS - 1);
    const offset = SPARKLINE_POINTS - this.samples.length;
    const points = this.samples.map((value, index) => `${((offset + index) * step).toFixed(1)},${(HEIGHT - (value / max) * HEIGHT).toFixed(1)}`);
    this.line.setAttribute("points", points.join(" "));
    // The area under the line, closed along the bottom edge, so one or two samples still show.
    const firstX = (offset * step).toFixed(1);
    this.area.setAttribute("points", `${firstX},${HEIGHT} ${points.join(" ")} ${WIDTH},${HEIGHT}`);
    const shown = Number.isInteger(sample) ? String(sample) : sample.toFixed(DECIMALS);
    this.value.textContent = `${shown}${this.unit}`;
    this.element.dataset.latest = String(sample);
    this.element.dataset.samples = String(this.samples.length);
    this.element.setAttribute("aria-label", `${this.name}: ${shown}${this.unit}`);
  }

  /** A break in the data (another room, a wiped room): the series starts over. */
  reset(): void {
    this.samples.length = 0;
    this.line.setAttribute("points", "");
    this.area.setAttribute("points", "");
    this.value.textContent = "–";
    this.element.dataset.latest = "";
    this.element.dataset.samples = "0";
  }
}

/**
 * Messages per second between two info samples, from the room's seq (every published message
 * gets one). A new epoch restarts seq, so that interval has no rate (null).
 */
export function messageRate(previous: { epoch: string; seq: number; at: number } | undefined, current: { epoch: string; seq: number; at: number }): number | null {
  if (!previous || previous.epoch !== current.epoch || current.at <= previous.at) return null;
  return Math.max(0, current.seq - previous.seq) / ((current.at - previous.at) / 1000);
}
