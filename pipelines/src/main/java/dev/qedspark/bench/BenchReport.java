package dev.qedspark.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * What {@code ./qed bench} writes as {@code bench.json}: the machine, the scale, every figure with
 * its baseline, and the run's wall time.
 */
public record BenchReport(String scale, Map<String, Object> machine, List<Measurement> measurements, double seconds) {

  /** Cores, memory, CPU model, OS, Java and Spark: what a reader needs to compare runs. */
  public static Map<String, Object> machine(SparkSession spark) {
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("cpu", cpuModel());
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    machine.put("memory_gib", Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024) * 10) / 10.0);
    machine.put("jvm_max_heap_gib", Math.round(Runtime.getRuntime().maxMemory() / (1024.0 * 1024 * 1024) * 10) / 10.0);
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    machine.put("spark", spark.version() + " " + spark.sparkContext().master());
    return machine;
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
