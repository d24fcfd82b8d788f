// @ts-check
// Telling the agent about new messages when the inbox is not in front of them:
// a desktop notification (text only: title and body are never HTML), an
// optional short beep made with WebAudio (no sound file), and the number of
// unread conversations in the tab's title.
import { $ } from "./dom.js";

const SOUND_KEY = "parley.sound";
const baseTitle = document.title;
/** @type {AudioContext | null} */
let audio = null;

/** Asks for permission to notify, from a user gesture (sign-in), if the browser has not been asked yet. */
export function askPermission() {
  if (!("Notification" in window) || Notification.permission !== "default") return;
  Notification.requestPermission().catch(() => {}); // the answer is read when notifying
}

/** Shows the number of unread conversations in the tab's title: "(3) Parley — Inbox". */
/** @param {number} count */
export function showUnread(count) {
  document.title = count ? `(${count}) ${baseTitle}` : baseTitle;
}

/** Wires the nav's Sound checkbox, remembered in this browser. */
export function initSound() {
  const box = $("sound");
  box.checked = localStorage.getItem(SOUND_KEY) === "1";
  box.addEventListener("change", () => {
    localStorage.setItem(SOUND_KEY, box.checked ? "1" : "0");
    if (box.checked) beep(); // a sample, and the click lets the page play sound later
  });
}

/** A short beep through WebAudio. */
function beep() {
  try {
    audio ??= new AudioContext();
    if (audio.state === "suspended") audio.resume().catch(() => {});
    const now = audio.currentTime;
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, now);
    gain.gain.exponentialRampToValueAtTime(0.2, now + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.25);
    tone.connect(gain).connect(audio.destination);
    tone.start(now);
    tone.stop(now + 0.3);
  } catch {
    // no audio on this device: the notification and the title still tell
  }
}

/**
 * Tells the agent about a new message: a notification (if allowed; a click focuses the tab and calls `open()`), and the beep if Sound is on.
 * @param {{title: string, body: string, tag: string, open: () => void}} notice
 */
export function notify({ title, body, tag, open }) {
  if ($("sound").checked) beep();
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  try {
    const shown = new Notification(title, { body, tag });
    shown.addEventListener("click", () => {
      window.focus();
      open();
      shown.close();
    });
  } catch {
    // some browsers only notify from a service worker: the title and sound still tell
  }
}
