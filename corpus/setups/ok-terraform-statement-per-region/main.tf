data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "pinecone_trust" {
  statement {
    sid     = "AllowPineconeUsEast1"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1"]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = ["8d1f3c6e-2b7a-4f90-9c5d-1e4a7b2c9f03"]
    }
  }
  statement {
    sid     = "AllowPineconeUsWest2"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::905418236187:role/pinecone_cmek_access_us-west-2"]
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
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableIamUserPermissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "AllowPineconeUseOfTheKey"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.pinecone_cmek.arn }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]
        Resource  = "*"
      },
    ]
  })
}
