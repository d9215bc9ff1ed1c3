// The parts of Bootstrap the book's pages use, for the theme's own scripts/bootstrap.js.
// pydata-sphinx-theme 0.17.1 bundles all of Bootstrap 5.3.3 (81 kB) and uses, on this book's
// pages, only the dropdown (the header's download and launch menus): _ext/offline.py builds the
// theme's source file against this module instead, and fails the build when a page asks for a
// part that is not here (a data-bs-toggle other than "dropdown", the theme's tooltip button).
// (by a relative path: the build aliases the name "bootstrap" itself to this file)
export { default as Dropdown } from "../../node_modules/bootstrap/js/src/dropdown.js";
