package dev.qedspark.llm;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The servers behind one endpoint, and how busy each is in this JVM: a request goes to the live
 * server with the fewest requests in flight (ties rotate). A server whose connection fails is left
 * out for {@link #DEAD_MILLIS}, so its requests go to the others; after that it is tried again.
 * State is shared by every client in the JVM (all the partitions an executor sends), keyed by URL.
 */
final class Replicas {
  static final long DEAD_MILLIS = 10_000;
  private static final Map<String, Server> SERVERS = new ConcurrentHashMap<>();
  private final List<Server> servers;
  private final AtomicInteger turn = new AtomicInteger();

  /** One server's load and health, shared JVM-wide. */
  static final class Server {
    final String baseUrl;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong deadUntil = new AtomicLong();

    private Server(String baseUrl) {
      this.baseUrl = baseUrl;
    }

    boolean alive(long now) {
      return deadUntil.get() <= now;
    }
  }

  Replicas(List<String> baseUrls) {
    this.servers = baseUrls.stream().map(u -> SERVERS.computeIfAbsent(u.replaceAll("/+$", ""), Server::new)).toList();
  }

  int size() {
    return servers.size();
  }

  /** The server for the next request, counted in flight until {@link #done}. */
  Server pick() {
    long now = System.currentTimeMillis();
    int start = Math.floorMod(turn.getAndIncrement(), servers.size());
    Server best = null;
    for (int i = 0; i < servers.size(); i++) {
      Server s = servers.get((start + i) % servers.size());
      if (s.alive(now) && (best == null || s.inFlight.get() < best.inFlight.get())) {
        best = s;
      }
    }
    if (best == null) { // all marked dead: the one that died longest ago
      for (Server s : servers) {
        if (best == null || s.deadUntil.get() < best.deadUntil.get()) {
          best = s;
        }
      }
    }
    best.inFlight.incrementAndGet();
    return best;
  }

  void done(Server server) {
    server.inFlight.decrementAndGet();
  }

  /** The server refused or dropped a connection: leave it out for a while. */
  void markDead(Server server) {
    server.deadUntil.set(System.currentTimeMillis() + DEAD_MILLIS);
  }

  /** Whether another server than {@code server} is live now. */
  boolean anotherAlive(Server server) {
    long now = System.currentTimeMillis();
    return servers.stream().anyMatch(s -> s != server && s.alive(now));
  }
}
