() => {
  document.addEventListener("click", (event) => {
    const link = event.target.closest ? event.target.closest("a.qa-link") : null;
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const box = document.querySelector("#qa-jump textarea, #qa-jump input");
    if (!box) return;
    box.value = JSON.stringify({anchor: (link.getAttribute("href") || "").slice(1),
                                view: link.classList.contains("qa-full-link") ? "full"
                                      : link.classList.contains("qa-widen-link") ? "widen" : "context",
                                at: Date.now()});
    box.dispatchEvent(new Event("input", {bubbles: true}));
  }, true);
}
