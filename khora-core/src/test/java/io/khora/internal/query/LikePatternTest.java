package io.khora.internal.query;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LikePatternTest {
    private static boolean like(String s, String pattern) {
        return LikePattern.compile(pattern).matches(s);
    }

    @Test
    void percentAloneMatchesEveryStringIncludingEmpty() {
        assertThat(like("", "%")).isTrue();
        assertThat(like("anything", "%")).isTrue();
        assertThat(like("x", "%%%")).isTrue();
    }

    @Test
    void likeUnderscoreMatchesExactlyOneCharacter() {
        assertThat(like("a", "_")).isTrue();
        assertThat(like("", "_")).isFalse();
        assertThat(like("ab", "_")).isFalse();
        assertThat(like("abc", "a_c")).isTrue();
        assertThat(like("ac", "a_c")).isFalse();
        assertThat(like("abbc", "a_c")).isFalse();
    }

    @Test
    void underscoreMatchesOneCodePointEvenOutsideTheBasicPlane() {
        String smiley = new String(Character.toChars(0x1F600));
        assertThat(like(smiley, "_")).isTrue();
        assertThat(like("a" + smiley + "b", "a_b")).isTrue();
        assertThat(like("a" + smiley + "b", "a__b")).isFalse();
    }

    @Test
    void emptyPatternMatchesOnlyTheEmptyString() {
        assertThat(like("", "")).isTrue();
        assertThat(like("a", "")).isFalse();
    }

    @Test
    void leadingTrailingAndSurroundingPercent() {
        assertThat(like("ACME Corp", "ACME%")).isTrue();
        assertThat(like("The ACME", "ACME%")).isFalse();
        assertThat(like("The ACME", "%ACME")).isTrue();
        assertThat(like("ACME Corp", "%ACME")).isFalse();
        assertThat(like("The ACME Corp", "%ACME%")).isTrue();
        assertThat(like("ACME", "%ACME%")).isTrue();
        assertThat(like("ACM", "%ACME%")).isFalse();
    }

    @Test
    void matchingIsCaseSensitive() {
        assertThat(like("acme", "ACME%")).isFalse();
        assertThat(like("Acme", "A%e")).isTrue();
        assertThat(like("AcmE", "A%e")).isFalse();
    }

    @Test
    void regexMetacharactersAndBackslashAreLiteral() {
        assertThat(like("a.c", "a.c")).isTrue();
        assertThat(like("abc", "a.c")).isFalse();
        assertThat(like("a*", "a*")).isTrue();
        assertThat(like("aaa", "a*")).isFalse();
        assertThat(like("[x]", "[x]%")).isTrue();
        assertThat(like("x", "[x]")).isFalse();
        assertThat(like("a\\b", "a\\b")).isTrue();
        assertThat(like("a\\%", "a\\%")).isTrue();
        assertThat(like("a\\xyz", "a\\%")).isTrue();
        assertThat(like("(a|b)+$^", "(a|b)+$^")).isTrue();
    }

    @Test
    void generalPatternsBacktrackAcrossSeveralPercents() {
        assertThat(like("abcXdefXghi", "a%X%i")).isTrue();
        assertThat(like("mississippi", "%ss%ss%")).isTrue();
        assertThat(like("mississippi", "%ss%ss%ss%")).isFalse();
        assertThat(like("aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "%a%a%a%a%a%b")).isTrue();
        assertThat(like("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "%a%a%a%a%a%b")).isFalse();
        assertThat(like("xay", "%a_")).isTrue();
        assertThat(like("xa", "%a_")).isFalse();
        assertThat(like("abab", "%ab")).isTrue();
        assertThat(like("ab", "_%_")).isTrue();
        assertThat(like("a", "_%_")).isFalse();
    }
}
