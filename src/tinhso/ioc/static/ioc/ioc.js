// Operations dashboard: choosing a commune opens its page (the form still works without JS).
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("[data-commune-picker]")) {
    const select = form.querySelector("select");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      window.location.href = select.dataset.url.replace("/0/", `/${select.value}/`);
    });
  }
});
