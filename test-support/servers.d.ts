export interface DatabaseServer {
    /** `mysql://user:password@127.0.0.1:port/database` or `redis://:password@127.0.0.1:port/0` */
    url: string;
    host: string;
    port: number;
    user: string;
    password: string;
    /** MySQL database name; for Redis the db number as a string. */
    database: string;
    /** True when started by this process (false for MYSQL_URL / REDIS_URL). */
    private: boolean;
    stop(): Promise<void>;
}
export interface RedisCluster {
    /** Seed nodes, e.g. for `new Redis.Cluster(nodes)`. */
    nodes: Array<{
        host: string;
        port: number;
    }>;
    private: boolean;
    stop(): Promise<void>;
}
/** A MySQL-compatible server: MYSQL_URL, else a private MariaDB with a password-authenticated test user. */
export declare function ensureMysql(): Promise<DatabaseServer>;
/** A Redis server: REDIS_URL, else a private redis-server requiring a password (so AUTH is exercised). */
export declare function ensureRedis(): Promise<DatabaseServer>;
/** A Redis Cluster: REDIS_CLUSTER_NODES, else three private cluster-enabled redis-servers joined by redis-cli. */
export declare function ensureRedisCluster(): Promise<RedisCluster>;
/** Stop every private server this process started (afterAll). External servers are left alone. */
export declare function stopServers(): Promise<void>;
/** A port free right now on 127.0.0.1 (the server binds it moments later). */
export declare function freePort(): Promise<number>;
