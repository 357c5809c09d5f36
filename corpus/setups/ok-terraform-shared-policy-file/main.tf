# One permissions policy file, read by two aws_iam_role_policy resources: the app's role and
# the role Pinecone assumes both get it.

data "aws_caller_identity" "current" {}

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
    ]
  })
}

resource "aws_iam_role" "app" {
  name               = "app-backend"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "app_cmek" {
  name   = "use-cmek"
  role   = aws_iam_role.app.id
  policy = file("${path.module}/use-cmek.json")
}

resource "aws_iam_role_policy" "pinecone_cmek" {
  name   = "use-cmek"
  role   = aws_iam_role.pinecone_cmek.id
  policy = file("${path.module}/use-cmek.json")
}
