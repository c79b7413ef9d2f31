// The same mark the desk sets once its data is on screen (ui/src/format.ts paintedMark):
// two animation frames after the page was laid out.
requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('floor-painted')))
