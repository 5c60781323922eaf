// The operations room's wall reloads itself (figures are precomputed; a reload is cheap).
// A failed reload (network down) leaves the last figures on screen and tries again later.
document.addEventListener("DOMContentLoaded", () => {
  const seconds = Number(document.body.dataset.refreshSeconds || 60);
  const reload = async () => {
    try {
      const response = await fetch(window.location.href, { cache: "no-store" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const selector of ["main", "header .clock", "footer"]) {
        const fresh = page.querySelector(selector);
        const old = document.querySelector(selector);
        if (fresh && old) old.replaceWith(fresh);
        else if (fresh && selector === "footer") document.body.append(fresh);
      }
    } catch (error) {
      // keep what is shown
    }
  };
  window.setInterval(reload, Math.max(seconds, 10) * 1000);
});
