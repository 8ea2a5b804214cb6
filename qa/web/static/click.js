() => {
  document.addEventListener("click", (event) => {
    const link = event.target.closest ? event.target.closest("a.qa-link") : null;
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const box = document.querySelector("#qa-jump textarea, #qa-jump input");
    if (!box) return;
    const kind = ["full", "where", "widen"].find((name) => link.classList.contains(`qa-${name}-link`)) || "context";
    box.value = JSON.stringify({anchor: (link.getAttribute("href") || "").slice(1), view: kind, at: Date.now()});
    box.dispatchEvent(new Event("input", {bubbles: true}));
  }, true);
  // "Copy citation" (qa.web.links): the quote's citation and its shareable link.
  document.addEventListener("click", async (event) => {
    const link = event.target.closest ? event.target.closest("a.qa-copy") : null;
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    // The citation beside the link: a source's summary, the best answer's .qa-cite, or the
    // .qa-cite paragraph the link stands in (timeline, precedents).
    const holder = link.closest(".qa-source, .qa-best, .qa-cite");
    const summary = holder && holder.querySelector("summary");
    const cite = holder && (holder.querySelector(".qa-cite a.qa-link") || holder.querySelector("a.qa-link"));
    const cited = summary ? summary.textContent.replace(/^\[\d+\]\s*/, "") : (cite || {}).textContent || "";
    const text = `${cited.trim()}, ${new URL(link.getAttribute("href"), location.href).href}`;
    window.__qaCopied = text;
    try { await navigator.clipboard.writeText(text); link.textContent = "Copied"; }
    catch (e) { link.textContent = "Select and copy: " + text; }
    setTimeout(() => { link.textContent = "Copy citation"; }, 2000);
  }, true);
}
