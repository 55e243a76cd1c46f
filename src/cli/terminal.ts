import { styleText } from 'node:util';
import type { Layout, Paint, Tone } from '../text/style';
import { plain } from '../text/style';

type Env = Readonly<Record<string, string | undefined>>;
type Stream = Pick<NodeJS.WriteStream, 'isTTY'> & Partial<Pick<NodeJS.WriteStream, 'columns' | 'hasColors'>>;

/**
 * Colour on a terminal only. `NO_COLOR` (any non-empty value, no-color.org) turns it off,
 * `FORCE_COLOR` (other than `0`/`false`) turns it on even into a pipe; otherwise the terminal
 * decides (`hasColors` also reads `TERM=dumb`).
 */
export function wantsColour(stream: Stream, env: Env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return !['0', 'false'].includes(env.FORCE_COLOR);
  return stream.isTTY === true && (stream.hasColors?.() ?? false);
}

const FORMAT: Readonly<Record<Tone, Parameters<typeof styleText>[0]>> = {
  heading: 'bold',
  bad: 'red',
  warn: 'yellow',
  good: 'green',
  dim: 'dim',
};

// The decision is wantsColour's: styleText must not check the stream again.
const coloured: Paint = (tone, text) => styleText(FORMAT[tone], text, { validateStream: false });

/**
 * The width tables fit in: the terminal's, or `COLUMNS` when set (a pipe or a test has no
 * terminal to ask). Neither: no limit, so a file gets every character.
 */
export function columnsOf(stream: Stream, env: Env): number | undefined {
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return stream.isTTY && stream.columns ? stream.columns : undefined;
}

/** How the report on `stream` is laid out. */
export function layoutOf(stream: Stream, env: Env): Layout {
  const columns = columnsOf(stream, env);
  return { paint: wantsColour(stream, env) ? coloured : plain, ...(columns ? { columns } : {}) };
}
