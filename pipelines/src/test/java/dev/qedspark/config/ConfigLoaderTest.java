package dev.qedspark.config;

import dev.qedspark.common.ConfigException;
import dev.qedspark.llm.LlmSettings;
import dev.qedspark.llm.RetrySettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path yaml(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void withNoLayersTheDefaultsApply() {
    assertEquals(QedConfig.DEFAULTS, ConfigLoader.load(List.of(), List.of()));
  }

  @Test
  void laterFilesWinOverEarlierOnesAndSetWinsOverFiles() throws IOException {
    Path first = yaml("a.yaml", "datasets:\n  shards: 8\n  compression: snappy\nspark:\n  app-name: first\n");
    Path second = yaml("b.yaml", "datasets:\n  shards: 16\n");
    QedConfig config = ConfigLoader.load(List.of(first, second), List.of("spark.app-name=from-set"));
    assertEquals(16, config.datasets().shards(), "second file wins over the first");
    assertEquals("snappy", config.datasets().compression(), "keys only the first file sets are kept");
    assertEquals("from-set", config.spark().appName(), "--set wins over files");
    assertEquals(QedConfig.DEFAULTS.spark().master(), config.spark().master(), "untouched keys keep defaults");
  }

  @Test
  void aCommandsDefaultsSitUnderEveryFileAndSet() throws IOException {
    List<String> demo = List.of("llm.max-tokens=512", "llm.temperature=0.5");
    QedConfig plain = ConfigLoader.load(demo, List.of(), List.of());
    assertEquals(512, plain.llm().maxTokens());
    assertEquals(0.5, plain.llm().temperature());
    Path file = yaml("real-model.yaml", "llm:\n  max-tokens: 8192\n");
    QedConfig withFile = ConfigLoader.load(demo, List.of(file), List.of());
    assertEquals(8192, withFile.llm().maxTokens(), "a --conf file replaces the command's default");
    assertEquals(0.5, withFile.llm().temperature(), "and keeps the defaults it does not name");
    assertEquals(100, ConfigLoader.load(demo, List.of(file), List.of("llm.max-tokens=100")).llm().maxTokens());
  }

  @Test
  void setReachesIntoMapSectionsWithDottedKeys() {
    QedConfig config = ConfigLoader.load(List.of(), List.of("spark.conf.spark.sql.shuffle.partitions=64"));
    assertEquals(Map.of("spark.sql.shuffle.partitions", "64"), config.spark().conf());
  }

  @Test
  void anUnknownKeyInAFileNamesTheKeyTheFileAndTheValidKeys() throws IOException {
    Path file = yaml("typo.yaml", "datasets:\n  shard: 3\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(file), List.of()));
    assertTrue(e.getMessage().contains("'datasets.shard'"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'datasets.shards'"), e.getMessage());
    assertTrue(e.getMessage().contains("shards, compression, verify-checksums"), e.getMessage());
  }

  @Test
  void anUnknownTopLevelSectionIsAnError() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of(), List.of("sparks.master=local")));
    assertTrue(e.getMessage().contains("did you mean 'spark'"), e.getMessage());
  }

  @Test
  void aValueOfTheWrongTypeNamesKeyValueOriginAndExpectation() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of(), List.of("datasets.shards=four")));
    assertEquals("bad value for 'datasets.shards' (from --set datasets.shards=four): 'four' is not an integer", e.getMessage());
  }

  @Test
  void aValueOutsideItsRangeSaysWhatIsAllowed() throws IOException {
    Path file = yaml("bad.yaml", "datasets:\n  compression: brotli\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(file), List.of()));
    assertTrue(e.getMessage().contains("compression must be one of zstd, snappy, gzip, lz4, none, not brotli"), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), "names the file the value came from: " + e.getMessage());
  }

  @Test
  void aScalarWhereASectionBelongsIsAnError() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(), List.of("spark=local")));
    assertTrue(e.getMessage().contains("'spark'") && e.getMessage().contains("section"), e.getMessage());
  }

  @Test
  void aMissingOrMalformedFileIsReportedClearly() throws IOException {
    ConfigException missing = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of(dir.resolve("nope.yaml")), List.of()));
    assertTrue(missing.getMessage().startsWith("config file not found"), missing.getMessage());
    Path list = yaml("list.yaml", "- a\n- b\n");
    ConfigException notMapping = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(list), List.of()));
    assertTrue(notMapping.getMessage().contains("must hold a mapping"), notMapping.getMessage());
    ConfigException noEquals = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(), List.of("datasets.shards")));
    assertTrue(noEquals.getMessage().contains("key=value"), noEquals.getMessage());
  }

  @Test
  void theBundledLocalProfileIsExactlyTheDefaults() {
    Path local = Path.of("..", "conf", "local.yaml");
    assertEquals(QedConfig.DEFAULTS, ConfigLoader.load(List.of(local), List.of()));
  }

  @Test
  void theBundledClusterProfilesLoad() {
    QedConfig yarn = ConfigLoader.load(List.of(Path.of("..", "conf", "cluster", "yarn.yaml")), List.of());
    QedConfig k8s = ConfigLoader.load(List.of(Path.of("..", "conf", "cluster", "k8s.yaml")), List.of());
    assertEquals(64, yarn.datasets().shards());
    assertTrue(k8s.ingest().sources().startsWith("s3a://"));
    for (QedConfig cluster : List.of(yarn, k8s)) {
      // The thinking model's sampling, for the model under test and the policy; other roles keep llm.*.
      for (String role : List.of("model", "policy")) {
        assertEquals(0.6, cluster.llm().role(role).temperature(), role);
        assertEquals(0.95, cluster.llm().role(role).topP(), role);
        assertEquals(40960, cluster.llm().role(role).maxTokens(), role);
      }
      assertEquals(QedConfig.DEFAULTS.llm().temperature(), cluster.llm().role("judge").temperature());
    }
  }

  @Test
  void showMasksSecretsButNotWhereTheyLive() {
    QedConfig config = ConfigLoader.load(List.of(), List.of(
        "spark.conf.spark.hadoop.fs.s3a.secret.key=hunter2",
        "spark.conf.spark.hadoop.fs.s3a.access.key.file=/etc/keyfile"));
    String shown = ConfigView.toYaml(config);
    assertFalse(shown.contains("hunter2"), shown);
    assertTrue(shown.contains("spark.hadoop.fs.s3a.secret.key: '*****'") || shown.contains("spark.hadoop.fs.s3a.secret.key: \"*****\""), shown);
    assertTrue(shown.contains("/etc/keyfile"), "a pointer to a secret is not itself secret: " + shown);
  }

  @Test
  void onlyWholeWordsMakeAKeySecret() {
    assertTrue(ConfigView.isSecretKey("hf-token"));
    assertTrue(ConfigView.isSecretKey("x-api-key"));
    assertTrue(ConfigView.isSecretKey("Authorization"));
    assertFalse(ConfigView.isSecretKey("max-tokens"), "a token count is not a token");
    assertFalse(ConfigView.isSecretKey("api-key-env"), "the name of the variable that holds a key is not a key");
    assertTrue(ConfigView.toYaml(QedConfig.DEFAULTS).contains("max-tokens: 2048"));
  }

  @Test
  void aRoleSetsWhatItSaysAndTakesEverythingElseFromLlm() throws Exception {
    Path file = dir.resolve("roles.yaml");
    Files.writeString(file, """
        llm:
          temperature: 0.6
          roles:
            judge:
              endpoint: http://judge:8000/v1
              temperature: 0.0
              retry: {max-attempts: 2}
        """);
    QedConfig config = ConfigLoader.load(List.of(file), List.of("llm.roles.teacher.max-tokens=64000", "llm.max-tokens=100"));
    LlmSettings judge = config.llm().role("judge");
    assertEquals("http://judge:8000/v1", judge.endpoint());
    assertEquals(0.0, judge.temperature());
    assertEquals(2, judge.retry().maxAttempts());
    assertEquals(RetrySettings.DEFAULTS.maxBackoffMs(), judge.retry().maxBackoffMs(), "the rest of a nested section falls back too");
    assertEquals(100, judge.maxTokens(), "keys the role does not set come from llm.*, --set included");
    LlmSettings teacher = config.llm().role("teacher");
    assertEquals(64000, teacher.maxTokens());
    assertEquals(0.6, teacher.temperature());
    assertEquals("", teacher.endpoint());
    LlmSettings policy = config.llm().role("policy");
    assertEquals(0.6, policy.temperature(), "an undeclared role is llm.* itself");
    assertEquals(Map.of(), policy.roles());
  }

  @Test
  void aMistakeInARoleNamesTheRoleAndTheKey() {
    ConfigException typo = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of(), List.of("llm.roles.judge.tempreature=0")));
    assertTrue(typo.getMessage().contains("'llm.roles.judge.tempreature'") && typo.getMessage().contains("did you mean 'llm.roles.judge.temperature'"),
        typo.getMessage());
    ConfigException bad = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of(), List.of("llm.roles.judge.concurrency=0")));
    assertTrue(bad.getMessage().contains("llm.roles.judge") && bad.getMessage().contains("concurrency must be at least 1"), bad.getMessage());
  }

  @Test
  void everyKeyIsListedWithItsDefaultAndDescription() {
    List<ConfigView.Key> keys = ConfigView.keys();
    assertTrue(keys.contains(new ConfigView.Key("datasets.shards", "4", "Parquet files per written dataset")), keys.toString());
    assertTrue(keys.stream().allMatch(k -> !k.description().isEmpty()), "every key is described: " + keys);
  }
}
