/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The custom server owns the Redis clients; route handlers reach them through server/context.
  serverExternalPackages: ["ioredis"],
};

export default nextConfig;
