package dev.regscope.registry;

/**
 * What was wrong with an answer that came but could not be used: content that does not match the
 * digest it was asked for, or a body that is not what the API promises (HTML from a proxy, JSON cut
 * short, a body past its size limit).
 */
public enum ContentFault {
  DIGEST_MISMATCH,
  MALFORMED
}
