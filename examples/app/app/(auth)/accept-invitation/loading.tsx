// The page reads the request: its <Suspense> boundary (see components/page-loading.tsx).
export { default } from "@/components/page-loading";
