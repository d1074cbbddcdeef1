"""The classroom page's look: one CSS grid, a projector layout and a phone layout.

Wide screens (> 760 CSS px, e.g. 1280x720 at 150 % zoom = 853 px): the strip across the top,
charts on the left, the student's turn and the why panel on the right, all on the first screen;
the page is at least the window's height and the charts (three columns) share it, so they fill a
projector; titles wrap, never cut. A played game's end screen spans the page under the strip.
Narrow screens (a phone, 390 px): one column - strip, the student's turn, the newest "why" line,
then the charts (the first on the first screen), the full why panel, the settings.
Tick labels are 16 px or more everywhere; buttons are at least 44 px high (touch targets).
"""

CSS = """
.v-application { font-size: 17px; }
.v-application .v-label, .v-application .v-input { font-size: 16px; }
.v-content__wrap > .container, .v-content__wrap > div { padding: 0 !important; }
.sim-page { display: grid; gap: 6px 18px; padding: 6px 14px; box-sizing: border-box;
  min-height: 100vh; grid-template-columns: minmax(0, 1fr) minmax(320px, 29%);
  grid-template-areas: "strip strip" "end end" "charts play" "charts why" "charts settings";
  grid-template-rows: auto auto auto 1fr auto; }
.sim-strip { grid-area: strip; display: flex; flex-wrap: wrap; align-items: center;
  gap: 4px 20px; border-bottom: 2px solid #ddd; padding-bottom: 4px; }
.sim-when { display: flex; align-items: baseline; gap: 10px; }
.sim-date-big { font-size: 2.1rem; font-weight: 700; line-height: 1.15; }
.sim-date { font-size: 15px; color: #555; }
.sim-status { font-size: 17px; }
.sim-status .sides { margin-left: 8px; }
.sim-status .side { font-weight: 700; margin-left: 8px; }
.sim-chip { color: #fff; border-radius: 6px; padding: 2px 10px; font-weight: 600; }
.sim-buttons { display: flex; flex-wrap: wrap; gap: 6px; margin-left: auto; }
.v-application .sim-btn { min-height: 44px; font-size: 16px; }
.sim-you { font-weight: 700; font-size: 18px; }
.sim-error { background: #fde8e0; border-left: 5px solid #D55E00; padding: 6px 10px; }
.sim-charts { grid-area: charts; min-width: 0; display: flex; flex-direction: column; }
.sim-charts > *, .sim-charts-body { flex: 1 1 auto; display: flex; flex-direction: column;
  min-height: 0; }
.sim-play { grid-area: play; min-width: 0; }
.sim-end-area { grid-area: end; min-width: 0; }
.sim-whyline { grid-area: whyline; display: none; }
.sim-whybox { grid-area: why; min-width: 0; max-height: 62vh; overflow-y: auto; }
.sim-settings { grid-area: settings; min-width: 0; }
.sim-explain { font-size: 15px; }
/* a narrow column: each meeting a block (date, meeting, what it came to; then its numbers) */
.sim-explain thead { display: none; }
.sim-explain tr { display: block; border-bottom: 1px solid #ddd; padding: 6px 0; }
.sim-explain td { display: inline; padding: 0 6px 0 0; font-weight: 600; }
.sim-explain td:last-child { display: block; font-weight: normal; margin-top: 2px; }
.sim-grid { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr));
  grid-auto-rows: minmax(150px, 1fr); gap: 4px 16px; flex: 1 1 auto; }
.sim-legend { display: flex; flex-wrap: wrap; gap: 2px 16px; font-size: 16px; color: #333; }
.sim-legend .sw { display: inline-block; width: 22px; height: 4px; margin-right: 6px;
  vertical-align: middle; }
.sim-legend .sw.band { height: 12px; background: #888; opacity: 0.25; }
.sim-legend .sw.rec { width: 10px; height: 10px; border: 2px solid #222; background: #fff;
  transform: rotate(45deg); }
.sim-legend .sw.meet { width: 0; height: 14px; border-left: 2px dashed #777; }
.sim-legend .sw.call { width: 0; height: 14px; border-left: 2px dotted #333; }
.sim-legend .sw.today { width: 0; height: 14px; border-left: 2px solid #000; }
.sim-chart { margin: 0; min-width: 0; min-height: 0; display: flex; flex-direction: column; }
.sim-chart figcaption { font-weight: 700; font-size: 16px; line-height: 1.25; }
.sim-chart figcaption .now { color: #222; font-weight: 600; margin-left: 6px;
  white-space: nowrap; }
.sim-plot { display: block; overflow: visible; flex: 1 1 auto; height: auto; min-height: 90px; }
.sim-plot .grid { stroke: #e3e3e3; stroke-width: 1; }
.sim-plot .tick { font-size: 16px; fill: #333; paint-order: stroke; stroke: #fff;
  stroke-width: 4px; }
.sim-plot .meet { stroke: #777; stroke-width: 1.5; stroke-dasharray: 6 4; }
.sim-plot .meet.call { stroke: #333; stroke-dasharray: 2 3; stroke-width: 2; }
.sim-plot .today { stroke: #000; stroke-opacity: 0.55; stroke-width: 1.5; }
.sim-plot .rec { stroke: #222; stroke-width: 2; }
.sim-plot .rec-pt { fill: #fff; stroke: #222; stroke-width: 2; transform-box: fill-box;
  transform-origin: center; transform: translate(-5.5px, -5.5px) rotate(45deg); }
.sim-plot .rec-level { fill: #222; fill-opacity: 0.08; }
.xticks { position: relative; height: 22px; font-size: 16px; color: #333; margin: 0 12px; }
.xticks span { position: absolute; transform: translateX(-50%); white-space: nowrap; }
.sim-narrative { font-size: 17px; line-height: 1.35; }
.sim-narrative h3 { margin: 0 0 4px; font-size: 1.15rem; }
.sim-narrative ul { padding-left: 0; list-style: none; margin: 0; }
.sim-narrative li { margin-bottom: 6px; }
.who { font-weight: 700; }
.when { color: #555; font-variant-numeric: tabular-nums; }
.sim-hint { font-size: 15px; color: #444; margin: 4px 0; }
.sim-turn { border: 3px solid #0072B2; border-radius: 8px; padding: 8px 12px; margin-bottom: 6px; }
.sim-turn h3 { margin: 0 0 4px; font-size: 1.15rem; }
.sim-turn table { border-collapse: collapse; font-size: 16px; }
.sim-turn td { padding: 1px 10px 1px 0; }
.sim-turn td + td { white-space: nowrap; }
.sim-turn .now, .sim-narrative .now { background: #eef5fb; border-left: 4px solid #0072B2;
  padding: 2px 8px; }
.sim-offer-slider { margin: 2px 0 0; }
.sim-offer-slider .v-input { margin-top: 0; }
.sim-offer-slider .v-input__slot { min-width: 200px; }
.sim-slider-label { font-size: 16px; }
.sim-slider-label .range { color: #555; }
.sim-decisions { font-size: 15px; margin: 4px 0 8px; }
.sim-decisions ul { list-style: none; padding-left: 0; margin: 2px 0; }
.sim-end { border-color: #009E73; }
.sim-fit { font-size: 18px; margin: 2px 0 6px; }
.sim-outcome { margin: 6px 0 2px; font-size: 16px; }
.sim-strip-chart { display: block; overflow: visible; }
.sim-strip-chart .end { font-size: 14px; fill: #444; }
.sim-strip-chart .axis { stroke: #bbb; stroke-width: 2; }
.sim-strip-chart .run { stroke: #777; stroke-opacity: 0.35; stroke-width: 2; }
.sim-strip-chart .mate { fill: #fff; stroke: #333; stroke-width: 1.5; fill-opacity: 0.6; }
.sim-strip-chart .you { stroke: #000; stroke-width: 2; }
.sim-strip-chart .rec-pt { fill: #fff; stroke: #222; stroke-width: 2; transform-box: fill-box;
  transform-origin: center; transform: translate(-5.5px, -5.5px) rotate(45deg); }
.sim-legend .sw.dot { width: 14px; height: 14px; border-radius: 50%; border: 2px solid #000; }
.sim-legend .sw.runs { width: 0; height: 14px; border-left: 2px solid #999; }
.sim-legend .sw.mate { width: 11px; height: 11px; border-radius: 50%; border: 1.5px solid #333; }
.sim-who-paid { font-size: 15px; overflow-x: auto; }
table.sim-who-paid { border-collapse: collapse; margin: 4px 0; }
table.sim-who-paid caption { text-align: left; font-weight: 600; }
table.sim-who-paid th, table.sim-who-paid td { padding: 2px 8px 2px 0; text-align: left;
  border-bottom: 1px solid #ddd; }
table.sim-who-paid td:nth-child(n+3) { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
.sim-end table { border-collapse: collapse; font-size: 16px; }
.sim-end td, .sim-end th { padding: 2px 8px 2px 0; text-align: left; vertical-align: top; }
.about-page { font-size: 19px; max-width: 62rem; line-height: 1.5; padding: 8px 24px; }
.about-page h1 { font-size: 2.2rem; } .about-page h2 { font-size: 1.6rem; margin-top: 1.2em; }
@media (max-width: 760px) {
  .sim-page { grid-template-columns: minmax(0, 1fr); padding: 4px 8px; min-height: 0;
    grid-template-areas: "strip" "end" "play" "whyline" "charts" "why" "settings";
    grid-template-rows: none; }
  .sim-plot { flex: none; height: clamp(110px, 18vh, 230px); }
  .sim-whyline { display: block; font-size: 16px; }
  .sim-whybox { max-height: none; }
  .sim-date-big { font-size: 1.7rem; }
  .sim-status .sides { display: block; margin-left: 0; }
  .sim-buttons { margin-left: 0; }
  .v-application .sim-btn { min-height: 48px; min-width: 64px; }
  .sim-grid { grid-template-columns: minmax(0, 1fr); grid-auto-rows: auto; }
}
"""
