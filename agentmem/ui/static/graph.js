// Zoom (wheel) and pan (drag) the note graph by moving the SVG's viewBox.
(function () {
  const svg = document.getElementById("graph");
  if (!svg) return;
  const size = Number(svg.dataset.size);
  let box = [0, 0, size, size];
  const apply = () => svg.setAttribute("viewBox", box.join(" "));
  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const scale = event.deltaY > 0 ? 1.15 : 1 / 1.15;
    const rect = svg.getBoundingClientRect();
    const fx = (event.clientX - rect.left) / rect.width, fy = (event.clientY - rect.top) / rect.height;
    const w = box[2] * scale, h = box[3] * scale;
    box = [box[0] + (box[2] - w) * fx, box[1] + (box[3] - h) * fy, w, h];
    apply();
  }, { passive: false });
  let drag = null;
  svg.addEventListener("mousedown", (event) => { drag = [event.clientX, event.clientY]; });
  window.addEventListener("mouseup", () => { drag = null; });
  window.addEventListener("mousemove", (event) => {
    if (!drag) return;
    const rect = svg.getBoundingClientRect();
    box[0] -= (event.clientX - drag[0]) * box[2] / rect.width;
    box[1] -= (event.clientY - drag[1]) * box[3] / rect.height;
    drag = [event.clientX, event.clientY];
    apply();
  });
})();
