// Type-check-only declarations (tsc --checkJs) for globals our browser scripts use; never served.
interface Window {
  /** Set by api/static/widget/frame.js so a second copy of the frame script does nothing. */
  __lytWidget?: boolean;
  /** Set by api/static/widget/widget.js so a second copy of the loader does nothing. */
  __lytLoader?: boolean;
  /** Safari before 14.1 names AudioContext this way (dashboard alert sound). */
  webkitAudioContext?: typeof AudioContext;
}
