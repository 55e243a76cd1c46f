import type { Language } from '../domain/status';
import { progressLine, type Work } from '../text/progress';

const CLEAR_LINE = '\r\u001b[2K';

type Stream = Pick<NodeJS.WriteStream, 'isTTY' | 'write'>;

export interface Progress {
  /** Prints something else (a console notice) above the line: clears it, prints, draws it again. */
  above(print: () => void): void;
  /** What the work is at now (e.g. which account), shown beside what it is. */
  step(text: string): void;
  /** Clears the line for good. */
  stop(): void;
}

/**
 * A line on stderr saying what a long command is doing and for how long, rewritten in place
 * every second and cleared when the work ends — on a terminal only: a pipe or a log file gets
 * nothing.
 */
export function startProgress(stream: Stream, work: Work, language: Language): Progress {
  if (!stream.isTTY) return { above: (print) => print(), step: () => undefined, stop: () => undefined };
  const started = Date.now();
  let step: string | undefined;
  const show = () =>
    stream.write(
      `${CLEAR_LINE}${progressLine(work, Math.floor((Date.now() - started) / 1000), language, step)}`,
    );
  show();
  const ticker = setInterval(show, 1000);
  // The line must never keep the process alive by itself.
  ticker.unref();
  let stopped = false;
  return {
    above: (print) => {
      if (stopped) return print();
      stream.write(CLEAR_LINE);
      print();
      show();
    },
    step: (text) => {
      step = text;
      if (!stopped) show();
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(ticker);
      stream.write(CLEAR_LINE);
    },
  };
}
