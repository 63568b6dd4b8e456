/**
 * A one-line progress report on stderr, redrawn at most ten times a second: a bar when the
 * total is known, a count and a rate when it is not (an XLSX streams without a row count).
 * Silent when stderr is not a terminal, apart from the final line.
 */
export function progressLine(label: string, total: number | null) {
  const started = performance.now();
  const tty = process.stderr.isTTY === true;
  let drawnAt = 0;
  const render = (done: number, extra: string) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    const count =
      total === null
        ? `${done.toLocaleString("en")}`
        : `${done.toLocaleString("en")}/${total.toLocaleString("en")}`;
    const bar =
      total === null || total === 0
        ? ""
        : `[${"#".repeat(Math.round((done / total) * 30)).padEnd(30, ".")}] `;
    return `${label} ${bar}${count} rows, ${rate.toLocaleString("en")}/s${extra ? `, ${extra}` : ""}`;
  };
  return {
    update(done: number, extra = "") {
      const now = performance.now();
      if (!tty || now - drawnAt < 100) return;
      drawnAt = now;
      process.stderr.write(`\r\x1b[2K${render(done, extra)}`);
    },
    finish(done: number, extra = "") {
      process.stderr.write(`${tty ? "\r\x1b[2K" : ""}${render(done, extra)}\n`);
    },
  };
}
