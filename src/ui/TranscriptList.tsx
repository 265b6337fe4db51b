import { Component } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { formatClock } from '../export/formats.ts';
import type { Utterance } from '../shared/persistence-api.ts';
import {
  chunkRanges,
  growDown,
  growUp,
  initialWindow,
  windowAround,
  windowLines,
  type ChunkWindow,
} from './line-chunks.ts';

/** Lines per rendered chunk: the first screen renders one, scrolling near the end appends the next. */
export const TRANSCRIPT_CHUNK_LINES = 200;

/** How far below the visible end (px) the next chunk is already appended, so scrolling rarely waits. */
const PRELOAD_MARGIN_PX = 800;

/** A request from the session view to bring one line into view (a new object per request). */
export interface RevealRequest {
  line: number;
}

interface ChunkProps {
  utterances: Utterance[];
  start: number;
  end: number;
  total: number;
}

/**
 * One chunk of `<li>`s. Read-only utterances never change, so a chunk renders once: growing the
 * window adds a chunk without re-diffing the ones already on screen.
 */
class TranscriptChunk extends Component<ChunkProps> {
  override shouldComponentUpdate(next: ChunkProps): boolean {
    const p = this.props;
    return (
      p.utterances !== next.utterances ||
      p.start !== next.start ||
      p.end !== next.end ||
      p.total !== next.total
    );
  }

  override render({ utterances, start, end, total }: ChunkProps) {
    const items = [];
    for (let i = start; i < end; i++) {
      const u = utterances[i]!;
      items.push(
        <li
          key={u.index}
          class={u.uncertain ? 'line uncertain' : 'line'}
          data-uncertain={u.uncertain ? '' : undefined}
          data-line={i}
          // The list holds only a window of the transcript: tell assistive technology where it is.
          aria-posinset={i + 1}
          aria-setsize={total}
        >
          <time class="ts">{formatClock(u.startMs)}</time>
          <span class="text">{u.text}</span>
          {u.uncertain && <span class="badge badge-uncertain">uncertain</span>}
        </li>,
      );
    }
    return items;
  }
}

interface Props {
  utterances: Utterance[];
  reveal: RevealRequest | null;
}

/** What to do with a line once the window that holds it has rendered. */
interface PendingFocus {
  line: number;
  center: boolean;
}

/**
 * A long read-only transcript (`role="list"` "Transcript"), shown a window of chunks at a time: an
 * 8-hour session (~37,000 utterances) opens with its first lines at once instead of one multi-second
 * render. More lines are appended as the reader scrolls near the end (IntersectionObserver) or asks
 * with the "Show … more lines" button; a reveal request (e.g. the first uncertain line) moves the
 * window there.
 */
export function TranscriptList({ utterances, reveal }: Props) {
  const total = utterances.length;
  const chunks = Math.ceil(total / TRANSCRIPT_CHUNK_LINES);
  const [shown, setShown] = useState<ChunkWindow>(() => initialWindow(chunks));
  const scroller = useRef<HTMLDivElement>(null);
  const moreButton = useRef<HTMLButtonElement>(null);
  const pendingFocus = useRef<PendingFocus | null>(null);
  const { start, end } = windowLines(shown, total, TRANSCRIPT_CHUNK_LINES);

  useEffect(() => {
    if (!reveal || total === 0) return;
    const line = Math.max(0, Math.min(total - 1, reveal.line));
    pendingFocus.current = { line, center: true };
    setShown((w) =>
      line >= windowLines(w, total, TRANSCRIPT_CHUNK_LINES).start &&
      line < windowLines(w, total, TRANSCRIPT_CHUNK_LINES).end
        ? { ...w } // already shown: re-render once so the focus below runs
        : windowAround(line, chunks, TRANSCRIPT_CHUNK_LINES),
    );
  }, [reveal, total, chunks]);

  // After the window grew or moved: focus the line asked for, so keyboard and screen-reader users
  // land on the new text instead of staying on a button that has moved away.
  useLayoutEffect(() => {
    const pending = pendingFocus.current;
    if (!pending) return;
    const el = scroller.current?.querySelector<HTMLElement>(`[data-line="${pending.line}"]`);
    if (!el) return;
    pendingFocus.current = null;
    el.tabIndex = -1;
    // A revealed line is centred; a line added by a button is scrolled to only as far as needed.
    if (pending.center) el.scrollIntoView({ block: 'center' });
    el.focus({ preventScroll: pending.center });
  });

  // Append the next chunk before the reader reaches the end. Observing afresh after every change of
  // the window makes the observer report the button's current position at once, so a short chunk
  // that leaves the button in range is followed by the next one.
  useEffect(() => {
    const root = scroller.current;
    const target = moreButton.current;
    if (!root || !target || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        // Not while the button has focus: a keyboard user who tabbed to it (which scrolls it into
        // view) would see it jump away before pressing it.
        if (document.activeElement === target) return;
        if (entries.some((e) => e.isIntersecting)) setShown((w) => growDown(w, chunks));
      },
      { root, rootMargin: `0px 0px ${PRELOAD_MARGIN_PX}px 0px` },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [shown, chunks]);

  const showMore = () => {
    pendingFocus.current = { line: end, center: false };
    setShown((w) => growDown(w, chunks));
  };
  const showEarlier = () => {
    pendingFocus.current = { line: start - 1, center: false };
    setShown((w) => growUp(w));
  };

  const chunkItems = chunkRanges(total, TRANSCRIPT_CHUNK_LINES)
    .slice(shown.first, shown.last + 1)
    .map((range) => (
      <TranscriptChunk
        key={range.start}
        utterances={utterances}
        start={range.start}
        end={range.end}
        total={total}
      />
    ));
  const earlier = start;
  const later = total - end;

  return (
    <>
      {total > TRANSCRIPT_CHUNK_LINES && (
        <p class="transcript-range muted">
          Showing lines {(start + 1).toLocaleString('en-US')}–{end.toLocaleString('en-US')} of{' '}
          {total.toLocaleString('en-US')}
        </p>
      )}
      <div class="transcript-scroll" ref={scroller}>
        {earlier > 0 && (
          <button type="button" class="show-lines" onClick={showEarlier}>
            Show {Math.min(earlier, TRANSCRIPT_CHUNK_LINES).toLocaleString('en-US')} earlier lines
          </button>
        )}
        <ol class="transcript" aria-label="Transcript">
          {chunkItems}
        </ol>
        {later > 0 && (
          <button type="button" class="show-lines" ref={moreButton} onClick={showMore}>
            Show {Math.min(later, TRANSCRIPT_CHUNK_LINES).toLocaleString('en-US')} more lines (
            {later.toLocaleString('en-US')} not shown yet)
          </button>
        )}
      </div>
    </>
  );
}
