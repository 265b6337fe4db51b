import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { formatClock } from '../export/formats.ts';
import type { LiveTranscript } from './transcript-model.ts';

/** Distance from the bottom (px) within which the log counts as "following" the newest text. */
const STICK_THRESHOLD_PX = 32;

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
          transcript.lines.map((line) => (
            <p
              key={line.utterance}
              class={line.partial ? 'line partial' : 'line'}
              data-partial={line.partial ? '' : undefined}
            >
              <time class="ts">{formatClock(line.startMs)}</time>
              <span class="text">{line.text}</span>
            </p>
          ))
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
