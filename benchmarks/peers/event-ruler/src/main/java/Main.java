// Benchmark driver for aws/event-ruler, the peer vigil is compared with
// (benchmarks/peers/README-event-ruler.md). Our own code: it only calls event-ruler's
// public API (Machine.addRule, Machine.rulesForJSONEvent).
//
//   java -jar target/event-ruler-bench.jar [options] PATTERNS.json EVENTS.ndjson
//
// PATTERNS.json is {"rule_id": pattern_object, ...} (EventBridge/event-ruler patterns,
// "$or" allowed). EVENTS.ndjson holds one JSON event per line (blank lines skipped).
//
// Phases, each timed on its own (System.nanoTime):
//   compile  every pattern added to one Machine
//   load     the events file read into memory, one String per line
//   warm-up  untimed passes over all events, results discarded, so the JIT has compiled
//            the hot paths before the timed pass: --warmup auto (default) repeats passes
//            until 200k events were evaluated and a pass is within 10% of the previous
//            (2 to 12 passes); --warmup N: N passes
//   eval also reports cpu_seconds (this thread's CPU time) and process_cpu_seconds (all JVM
//            threads: GC and JIT included), which a loaded machine disturbs less than wall time
//   eval     the timed pass: rulesForJSONEvent on every line, matches counted per rule
//            (a rule counts once per event, as vigil reports it)
//
// Output (stdout), one JSON object:
//   {"engine":"event-ruler","version":..., "events":n, "errors":e, "seconds":eval,
//    "compile_seconds":..., "load_seconds":..., "warmup_seconds":..., "warmup_passes":N,
//    "warmup_pass_seconds":[...], "bytes":..., "matches":{"rule_id":count,...}}
// Options:
//   --warmup auto|N     warm-up passes before the timed pass (0 disables; default auto)
//   --matches-out FILE  after the timed pass, an untimed pass writing "line<TAB>rule_id"
//                       for every match (line is 0-based), to compare engines event by event
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.event.ruler.Machine;

public final class Main {
    private static void usage(String why) {
        System.err.println("error: " + why);
        System.err.println("usage: Main [--warmup auto|N] [--matches-out FILE] PATTERNS.json EVENTS.ndjson");
        System.exit(2);
    }

    // event-ruler's jar has no Implementation-Version; its pom.properties survives shading.
    private static String eventRulerVersion() {
        try (java.io.InputStream in = Main.class.getResourceAsStream(
                "/META-INF/maven/software.amazon.event.ruler/event-ruler/pom.properties")) {
            if (in == null) return "unknown";
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException ex) {
            return "unknown";
        }
    }

    // --warmup auto: at least AUTO_MIN passes, at most AUTO_MAX, stop when a pass took within
    // 10% of the one before (the JIT has settled; on 2 cores that took 4-6 passes of 20k
    // CloudTrail records, the first passes being ~10x slower than the settled ones).
    // Also at least AUTO_MIN_EVENTS evaluations in all: C2 compiled the hot paths only after
    // ~100k calls in our runs, and a short plateau before that fooled the 10% test.
    static final int AUTO_MIN = 2, AUTO_MAX = 12;
    static final long AUTO_MIN_EVENTS = 200_000;

    private static boolean stable(List<Double> s, long eventsPerPass) {
        int n = s.size();
        if (n < AUTO_MIN || (long) n * eventsPerPass < AUTO_MIN_EVENTS) return n >= AUTO_MAX;
        if (n >= AUTO_MAX) return true;
        return Math.abs(s.get(n - 1) - s.get(n - 2)) <= 0.10 * s.get(n - 2);
    }

    public static void main(String[] args) throws Exception {
        int warmup = -1;  // -1: auto
        String matchesOut = null;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warmup":
                    if (++i >= args.length) usage("--warmup needs auto or a number");
                    warmup = args[i].equals("auto") ? -1 : Integer.parseInt(args[i]);
                    break;
                case "--matches-out":
                    if (++i >= args.length) usage("--matches-out needs a file");
                    matchesOut = args[i];
                    break;
                default:
                    if (args[i].startsWith("--")) usage("unknown option " + args[i]);
                    positional.add(args[i]);
            }
        }
        if (positional.size() != 2) usage("need PATTERNS.json and EVENTS.ndjson");
        ObjectMapper mapper = new ObjectMapper();

        // compile
        JsonNode patterns = mapper.readTree(Path.of(positional.get(0)).toFile());
        if (!patterns.isObject()) usage("the patterns file must be a JSON object {rule_id: pattern}");
        long t0 = System.nanoTime();
        Machine machine = new Machine();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = patterns.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                machine.addRule(e.getKey(), mapper.writeValueAsString(e.getValue()));
            } catch (Exception ex) {
                System.err.println("error: pattern " + e.getKey() + ": " + ex.getMessage());
                System.exit(2);
            }
            counts.put(e.getKey(), 0L);
        }
        double compileSeconds = (System.nanoTime() - t0) / 1e9;

        // load
        t0 = System.nanoTime();
        List<String> events = new ArrayList<>();
        long bytes = 0;
        try (BufferedReader r = Files.newBufferedReader(Path.of(positional.get(1)), StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                bytes += line.length() + 1;
                if (!line.isBlank()) events.add(line);
            }
        }
        double loadSeconds = (System.nanoTime() - t0) / 1e9;

        // warm-up
        t0 = System.nanoTime();
        long sink = 0;
        List<Double> passSeconds = new ArrayList<>();
        for (int p = 0; ; p++) {
            if (warmup >= 0 ? p >= warmup : stable(passSeconds, events.size())) break;
            long tp = System.nanoTime();
            for (String ev : events) {
                try {
                    sink += machine.rulesForJSONEvent(ev).size();
                } catch (Exception ex) {
                    sink--;
                }
            }
            passSeconds.add((System.nanoTime() - tp) / 1e9);
        }
        double warmupSeconds = (System.nanoTime() - t0) / 1e9;

        // timed pass
        long errors = 0;
        Set<String> seen = new HashSet<>();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long proc0 = os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : -1;
        long cpu0 = threads.getCurrentThreadCpuTime();
        t0 = System.nanoTime();
        for (String ev : events) {
            List<String> found;
            try {
                found = machine.rulesForJSONEvent(ev);
            } catch (Exception ex) {
                errors++;
                continue;
            }
            if (found.isEmpty()) continue;
            if (found.size() == 1) {
                counts.merge(found.get(0), 1L, Long::sum);
                continue;
            }
            seen.clear();
            for (String rule : found) {
                if (seen.add(rule)) counts.merge(rule, 1L, Long::sum);
            }
        }
        double evalSeconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double procCpuSeconds = proc0 < 0 ? -1
                : (((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() - proc0) / 1e9;

        if (matchesOut != null) {
            try (BufferedWriter w = Files.newBufferedWriter(Path.of(matchesOut), StandardCharsets.UTF_8)) {
                for (int i = 0; i < events.size(); i++) {
                    List<String> found;
                    try {
                        found = machine.rulesForJSONEvent(events.get(i));
                    } catch (Exception ex) {
                        continue;
                    }
                    for (String rule : new java.util.TreeSet<>(found)) {
                        w.write(i + "\t" + rule + "\n");
                    }
                }
            } catch (IOException ex) {
                System.err.println("error: " + matchesOut + ": " + ex.getMessage());
                System.exit(1);
            }
        }

        ObjectNode out = mapper.createObjectNode();
        out.put("engine", "event-ruler");
        out.put("version", eventRulerVersion());
        out.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        out.put("events", events.size());
        out.put("errors", errors);
        out.put("bytes", bytes);
        out.put("seconds", evalSeconds);
        out.put("cpu_seconds", cpuSeconds);
        out.put("process_cpu_seconds", procCpuSeconds);
        out.put("compile_seconds", compileSeconds);
        out.put("load_seconds", loadSeconds);
        out.put("warmup_mode", warmup >= 0 ? "fixed" : "auto");
        out.put("warmup_passes", passSeconds.size());
        out.put("warmup_seconds", warmupSeconds);
        com.fasterxml.jackson.databind.node.ArrayNode passes = out.putArray("warmup_pass_seconds");
        for (double d : passSeconds) passes.add(d);
        out.put("rules", counts.size());
        ObjectNode m = out.putObject("matches");
        counts.forEach(m::put);
        if (sink == Long.MIN_VALUE) System.err.print("");  // keep the warm-up from being optimised away
        System.out.println(mapper.writeValueAsString(out));
    }
}
