// esbuild bundles the stylesheet imported by main.ts into the page's one CSS file.
declare module "*.css";
