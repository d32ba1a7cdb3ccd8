package dev.qedspark.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CanonicalVariablesTest {
  private static List<String> of(String spaced) {
    return CanonicalVariables.of(List.of(spaced.split(" ")));
  }

  @Test
  void renamedOrPrimedVariablesReadAlikeAndVariablesInOtherRolesDoNot() {
    assertEquals(of("$ f ( x + f ( y ) ) = f ( x ) + y $"), of("$ g ( u ' + g ( t ) ) = g ( u ' ) + t $"), "renamed and primed");
    assertNotEquals(of("$ f ( x + f ( y ) ) = f ( x ) + y $"), of("$ f ( x + f ( y ) ) = f ( y ) + x $"), "x and y swap roles");
    assertEquals(of("$ a ^ 2 b + b ^ 2 c + c ^ 2 a $"), of("$ a ^ 2 c + c ^ 2 b + b ^ 2 a $"), "the same sum once b and c swap names");
    assertNotEquals(of("$ a ^ 2 b + b ^ 2 c + c ^ 2 a $"), of("$ a ^ 2 b + b ^ 2 c + a ^ 2 c $"), "a different sum");
    assertEquals(of("let a be a real and n an integer"), of("let a be a real and m an integer"), "outside math, 'a' stays a word");
    assertNotEquals(of("let a be a real"), of("let b be a real"), "the article is not a variable");
  }
}
