# The key policy is kept in its own file and set by aws_kms_key_policy, which does not wait for
# the role created next to it: KMS only accepts a key policy whose principals exist.

data "aws_iam_policy_document" "pinecone_trust" {
  statement {
    sid     = "AllowPineconeToAssumeIntoRoleFromExplicitRegionswithID"
    actions = ["sts:AssumeRole"]
    principals {
      type = "AWS"
      identifiers = [
        "arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1",
        "arn:aws:iam::905418236187:role/pinecone_cmek_access_us-west-2",
      ]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = ["8d1f3c6e-2b7a-4f90-9c5d-1e4a7b2c9f03"]
    }
  }
}

resource "aws_iam_role" "pinecone_cmek" {
  name               = "pinecone-cmek"
  assume_role_policy = data.aws_iam_policy_document.pinecone_trust.json
}

resource "aws_kms_key" "pinecone_cmek" {
  description         = "Pinecone CMEK"
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "pinecone_cmek" {
  key_id     = aws_kms_key.pinecone_cmek.id
  policy     = file("${path.module}/policies/key-policy.json")
}
