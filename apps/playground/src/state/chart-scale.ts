/** An axis from 0 with round tick values covering `max`. */
export interface NiceScale {
  max: number;
  ticks: number[];
}

/** Round ticks (1, 2, 2.5 or 5 × 10ⁿ apart) from 0 to at least `max`. */
export function niceScale(max: number, targetTicks = 4): NiceScale {
  if (!(max > 0) || !Number.isFinite(max)) return { max: 1, ticks: [0, 1] };
  const raw = max / targetTicks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((f) => f * magnitude >= raw) ?? 10) * magnitude;
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + step / 1e6; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { max: top, ticks };
}
