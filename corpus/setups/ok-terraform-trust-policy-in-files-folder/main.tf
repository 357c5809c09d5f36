# The trust policy is kept in files/ (walked, and its folder done with, before this file) and
# read with file(): it is the role's, not a second role of the folder, and not a role of files/
# either (where an unrelated key policy export sits: nothing pairs the two).

data "aws_caller_identity" "current" {}

resource "aws_iam_role" "pinecone_cmek" {
  name               = "pinecone-cmek"
  assume_role_policy = file("${path.module}/files/trust-policy.json")
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
