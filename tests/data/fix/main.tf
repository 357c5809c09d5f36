# Pinecone CMEK (customer-managed key) setup
resource "aws_iam_role" "cmek" {
  name = "pinecone-cmek"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_us-east-1" }
        Action    = "sts:AssumeRole" # the region of the index
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::731429856012:role/pinecone_cmek_access_us-west-2" }
        Action    = "sts:AssumeRole"
        Condition = {
          StringEqualsIfExists = { "sts:ExternalId" = "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94" }
        }
      },
    ]
  })
}

resource "aws_iam_role_policy" "describe_key" {
  name = "describe-key"
  role = aws_iam_role.cmek.id
  policy = jsonencode({
    Statement = [{
      Effect   = "Allow"
      Action   = "kms:DescribeKey"
      Resource = "arn:aws:kms:us-east-1:222233334444:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }]
  })
}

resource "aws_kms_key" "cmek" {
  description         = "Pinecone CMEK"
  enable_key_rotation = true
  depends_on          = [aws_iam_role.cmek]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Key administrators"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/KeyAdmin" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Allow use of the key"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::222233334444:role/pinecone-cmek" }
        Action    = ["kms:Decrypt"]
        Resource  = "*"
      },
      {
        Sid       = "Analysts may describe it"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::222233334444:role/analyst" }
        Action    = "kms:DescribeKey"
        Resource  = "*"
        Condition = { StringEquals = { "aws:PrincipalTag/team" = "data-*" } }
      },
    ]
  })
}

data "aws_caller_identity" "current" {}
