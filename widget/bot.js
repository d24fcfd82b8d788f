/* Parley's bot module, served minified as /widget/bot.js: the proactive
 * messages' bubble (widget/bubble.js) and the chatbot flow's buttons and
 * questions (widget/flow.js). The facade imports it only for a site whose
 * config lists proactive messages or a flow that needs it, so other sites
 * never download it. One file, not two: a site using both downloads
 * 1,934 B brotli instead of 980 + 1,155 B, and the two parts together stay
 * within the 2 KB the issue allows them (tests/weight.test.mjs). */
export { default as bubble } from "./bubble.js";
export { default as flow } from "./flow.js";
