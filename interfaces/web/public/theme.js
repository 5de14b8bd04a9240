// Apply the theme before the first paint (the same rule as src/lib/theme.ts). A file of its
// own, not an inline script: the Content-Security-Policy allows scripts from this origin only.
(function () {
  try {
    var c = localStorage.getItem("containr.theme");
    var dark = c === "dark" || (c !== "light" && matchMedia("(prefers-color-scheme: dark)").matches);
    document.documentElement.classList.toggle("dark", dark);
    document.documentElement.style.colorScheme = dark ? "dark" : "light";
  } catch (e) {}
})();
