// Reloads a list page every N seconds while its "refresh" box is ticked (axe and WCAG 2.2.1:
// a person can stop a timed refresh). Markup: <input type="checkbox" data-refresh-seconds="5">.
const box = document.querySelector("input[data-refresh-seconds]");
if (box) {
  const key = `duet-refresh:${window.location.pathname}`;
  if (window.sessionStorage.getItem(key) === "off") box.checked = false;
  const seconds = Number(box.dataset.refreshSeconds) || 5;
  let timer = null;
  const arm = () => {
    window.clearTimeout(timer);
    if (box.checked) timer = window.setTimeout(() => window.location.reload(), seconds * 1000);
  };
  box.addEventListener("change", () => {
    window.sessionStorage.setItem(key, box.checked ? "on" : "off");
    arm();
  });
  arm();
}
