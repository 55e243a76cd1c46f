/**
 * What a piece of console text is, for whoever colours it: the text modules say what is a
 * heading or a failure, the CLI decides whether and how a terminal shows it (`src/cli/terminal.ts`).
 */
export type Tone = 'heading' | 'bad' | 'warn' | 'good' | 'dim';

export type Paint = (tone: Tone, text: string) => string;

/** No colour: pipes, files, `NO_COLOR`, Slack. */
export const plain: Paint = (_tone, text) => text;

/** How console text is laid out: the terminal's width (none: as wide as it takes) and colour. */
export interface Layout {
  readonly columns?: number;
  readonly paint: Paint;
}

export const PLAIN_LAYOUT: Layout = { paint: plain };
