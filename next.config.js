/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Gzipping 25-byte JSON answers cost a tenth of the server's CPU under sale load (see bench/README.md);
  // a reverse proxy in front compresses the pages where that pays.
  compress: false,
  // The custom server owns the Redis clients; route handlers reach them through server/request/context.
  serverExternalPackages: ["ioredis"],
  // `npm run typecheck` (part of `npm test`) checks the whole project, tests and bench included;
  // checking again inside every build only makes `npm start` slower.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
