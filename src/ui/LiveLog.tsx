import { Component } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { formatClock } from '../export/formats.ts';
import { runsBy, sameItems } from './line-chunks.ts';
import type { LiveLine, LiveTranscript } from './transcript-model.ts';

/** Distance from the bottom (px) within which the log counts as "following" the newest text. */
const STICK_THRESHOLD_PX = 32;

/**
 * Utterances per rendered chunk, and per block of chunks. A partial changes one line, so only its
 * block and, inside it, its chunk re-render: after hours of recording an update still diffs a few
 * dozen components and lays out a few dozen boxes, not one per line.
 */
export const LIVE_CHUNK_LINES = 100;
export const LIVE_BLOCK_LINES = 1_000;

const chunkOfLine = (line: LiveLine) => Math.floor(line.utterance / LIVE_CHUNK_LINES);
const blockOfLine = (line: LiveLine) => Math.floor(line.utterance / LIVE_BLOCK_LINES);

interface ChunkProps {
  lines: LiveLine[];
  start: number;
  end: number;
}

/**
 * One chunk of lines, in its own box so the stylesheet can skip laying out and painting chunks that
 * are off screen (`content-visibility: auto`). The model is immutable — a changed line is a new
 * object — so comparing the chunk's lines by identity tells whether anything in it changed.
 */
class LiveChunk extends Component<ChunkProps> {
  override shouldComponentUpdate(next: ChunkProps): boolean {
    return linesChanged(this.props, next);
  }

  override render({ lines, start, end }: ChunkProps) {
    const items = [];
    for (let i = start; i < end; i++) {
      const line = lines[i]!;
      items.push(
        <p
          key={line.utterance}
          class={line.partial ? 'line partial' : 'line'}
          data-partial={line.partial ? '' : undefined}
        >
          <time class="ts">{formatClock(line.startMs)}</time>
          <span class="text">{line.text}</span>
        </p>,
      );
    }
    return <div class="chunk">{items}</div>;
  }
}

/** Ten chunks in one box: a second level, so the chunks of past hours cost one box per block. */
class LiveBlock extends Component<ChunkProps> {
  override shouldComponentUpdate(next: ChunkProps): boolean {
    return linesChanged(this.props, next);
  }

  override render({ lines, start, end }: ChunkProps) {
    return (
      <div class="block">
        {runsBy(lines, chunkOfLine, start, end).map((run) => (
          <LiveChunk key={run.group} lines={lines} start={run.start} end={run.end} />
        ))}
      </div>
    );
  }
}

function linesChanged(p: ChunkProps, next: ChunkProps): boolean {
  return p.start !== next.start || p.end !== next.end || !sameItems(p.lines, next.lines, p.start, p.end);
}

interface Props {
  transcript: LiveTranscript;
  recording: boolean;
}

/**
 * The live transcript (`role="log"`). It follows new text until the user scrolls up, then offers a
 * "Jump to latest" button instead of yanking the view back.
 */
export function LiveLog({ transcript, recording }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  /** Read by the layout effect, which must see a scroll-up that happened since the last render. */
  const followingRef = useRef(true);

  const follow = (value: boolean) => {
    followingRef.current = value;
    setFollowing(value);
  };

  useLayoutEffect(() => {
    const el = box.current;
    if (el && followingRef.current) el.scrollTop = el.scrollHeight;
  }, [transcript, following]);

  // Scroll position alone is ambiguous while text streams in (a new line can land between the user's
  // scroll and its event), so the intent to read back is taken from the input itself.
  const onWheel = (event: WheelEvent) => {
    if (event.deltaY < 0) follow(false);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'PageUp' || event.key === 'ArrowUp' || event.key === 'Home') follow(false);
  };
  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_THRESHOLD_PX;
    if (atBottom !== followingRef.current) follow(atBottom);
  };

  const jump = () => {
    follow(true);
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  };

  return (
    <div class="live-wrap">
      <div
        ref={box}
        class="live-log"
        role="log"
        aria-label="Live transcript"
        aria-live="polite"
        tabIndex={0}
        onScroll={onScroll}
        onWheel={onWheel}
        onKeyDown={onKeyDown}
        onTouchStart={() => follow(false)}
        onTouchEnd={onScroll}
      >
        {transcript.lines.length === 0 ? (
          <p class="placeholder">
            {recording ? 'Listening…' : 'Press Start to begin. Text appears here as it is heard.'}
          </p>
        ) : (
          chunks(transcript.lines)
        )}
      </div>
      {!following && transcript.lines.length > 0 && (
        <button type="button" class="jump" onClick={jump}>
          Jump to latest ↓
        </button>
      )}
    </div>
  );
}

/** Blocks by utterance number: a line stays in its block and chunk even if an earlier utterance is inserted. */
function chunks(lines: LiveLine[]) {
  return runsBy(lines, blockOfLine).map(({ group, start, end }) => (
    <LiveBlock key={group} lines={lines} start={start} end={end} />
  ));
}
